module goperf/launcher

go 1.21
