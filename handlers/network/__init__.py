"""The campaign's network: experts, help requests, service teams, pairs, studios and reports."""
