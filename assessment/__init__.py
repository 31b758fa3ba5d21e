"""考核: the monthly and yearly assessment of window staff by 001's rubric (考核细则 1.1–6.5).

Below casework, which records its system events (4.4 verified bad rating, 2.1 substantiated
complaint) here; above the workforce, whose people and sites it scores.
"""
