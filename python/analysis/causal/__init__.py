"""The causal analysis of the 2022 shock: designs run on the panel marts (:mod:`.run`), the tables and words
the report shows (:mod:`.tables`)."""
