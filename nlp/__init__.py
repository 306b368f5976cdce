"""NLP: language, entities, complaint, sentiment, category."""
