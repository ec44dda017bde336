"""Reading scanned answer booklets: pages placed by their markers and named by their code,
boxes decided against the page's own empty boxes, anything unclear set aside for review."""
