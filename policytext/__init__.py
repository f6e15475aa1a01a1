"""The language of Chinese policy texts, imported by every stage and importing nothing else of the project.

Numerals, numbering, sentences, dates and 文号, places, document types, the lexicon, and the analysis of a
question.
"""
