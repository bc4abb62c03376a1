"""Demo content: realistic statements for trying the API and for the test suite."""
