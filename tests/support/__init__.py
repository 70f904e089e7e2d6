"""What the tests share: library makers, signature tables, the workflow runner, deletion helpers."""
