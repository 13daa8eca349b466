module example.com/quotes

go 1.26

require example.com/quote v1.0.0
