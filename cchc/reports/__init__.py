"""Coverage reports for people: a terminal table, CSV, XLSX and a printable HTML document, in Vietnamese."""
