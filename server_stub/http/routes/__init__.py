"""The stub's endpoints, one module per group of Scale views."""
