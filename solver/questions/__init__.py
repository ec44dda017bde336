"""One module per exam question; see solver.registry for the list and order."""
