"""Appraisal rules: purposes, their value wording, and immutability once finalized."""
