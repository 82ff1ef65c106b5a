"""FN-8 printouts: PDF documents with Chinese text (reportlab)."""
