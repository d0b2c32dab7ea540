"""The campaign's network: experts, help requests, teams, pairs, studios, imports and reports."""
