"""Recognition: kudos on goals from a budget per cycle, nominations and honours decided by
leaders, and streak badges earned by on-time check-ins."""
