"""Apple Photos libraries: their catalog, and the script that handles duplicates inside Photos."""
