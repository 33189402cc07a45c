module example.com/plugin

go 1.26

require example.com/contract v1.2.0

replace example.com/old => ../old
