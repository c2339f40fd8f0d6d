module goperf/cellparse

go 1.21
