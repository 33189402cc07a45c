module example.com/telegrafplugins

go 1.26

require github.com/influxdata/telegraf v1.30.0
