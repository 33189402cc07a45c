module example.com/plugins/console

go 1.26

require example.com/contract v0.0.0
