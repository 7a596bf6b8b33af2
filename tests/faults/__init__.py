"""Fault injection under load (`make faults`): the whole platform on a private infrastructure,
components killed, paused and slowed one at a time and several at once, and a checker that
proves from outside that no acknowledged write was lost or applied twice."""
