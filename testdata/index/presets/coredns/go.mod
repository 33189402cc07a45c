module example.com/corednsplugins

go 1.26

require github.com/coredns/coredns v1.11.0
