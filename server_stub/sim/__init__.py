"""The seed data and the simulator that moves jobs along while the stub runs."""
