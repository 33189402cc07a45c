module example.com/host

go 1.26

require example.com/contract v1.3.0
