module example.com/gamma

go 1.26

require example.com/contract v0.0.0
