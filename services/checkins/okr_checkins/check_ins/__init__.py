"""Check-ins and corrections of key results, and the bitemporal reads over them."""
