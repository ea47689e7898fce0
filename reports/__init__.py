"""The runner (claims × op sets → verdicts and outcomes) and the report writers."""
