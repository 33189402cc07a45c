module example.com/sqluser

go 1.26
