"""薪酬: monthly payrolls (base, skill, tenure, education, the assessment reward) and the
staffing budget of 000's table. Above assessment, whose rewards it pays.
"""
