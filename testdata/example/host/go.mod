module example.com/host

go 1.26

require (
	example.com/contract v0.0.0
	example.com/plugins/console v0.0.0
	example.com/plugins/file v0.0.0
	example.com/plugins/syslog v0.0.0
)
