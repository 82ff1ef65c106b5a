"""FN-10 exports: the full store data export (archive, loader, jobs) and list downloads."""
