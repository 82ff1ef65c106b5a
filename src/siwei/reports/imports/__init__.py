"""FN-9 import of customers, vehicles, parts and prices, and opening stock from Excel or
CSV files: templates and columns, the file reader, the row handlers (which call the
services of the owning apps), the job services and the background task."""
