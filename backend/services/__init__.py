"""Services: the backend's units of work over the store (one transaction each)."""
