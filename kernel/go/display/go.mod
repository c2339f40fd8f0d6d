module goperf/display

go 1.22
