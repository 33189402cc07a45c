module example.com/agg

go 1.26
