"""Erasure of a person's personal data on request (crypto-shredding): the person's data key
deleted, and `PersonalDataErased` published so every other service deletes its own."""
