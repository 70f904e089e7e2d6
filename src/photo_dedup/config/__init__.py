"""The configuration: the schema (package data), settings, command-line values, the decisions file."""
