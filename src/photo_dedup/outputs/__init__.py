"""The outputs: groups.csv/json, the summary, the contact sheet, the deletion script and the plot."""
