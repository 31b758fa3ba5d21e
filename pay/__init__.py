"""薪酬: monthly payrolls (base, skill, tenure, education, the assessment reward) and the
staffing budget of 000's table (DOMAIN.md §3, §7). Above assessment, whose rewards it pays.

Modules: ``models`` (payrolls, lines, own base wages), ``rules`` (one slip on plain data),
``payroll`` (run while a draft, approve to freeze), ``budget``, ``export`` (.xlsx job), ``jobs``,
``access`` (who reads), ``policy``, ``schema/``, ``demo``.

Defaults chosen where the documents are silent: the people paid are those assessed (front-desk
staff employed on some day of the month); probation is judged on the month's last paid day;
tenure counts full years from the later of the first certificate and the hire date; each amount
of a slip is rounded half-up to the fen once and the gross is their sum; the reward enters once
the month's assessment is published (the slip says when it is not yet); the budget counts the
year's payrolls (employer insurance prorated like the pay) and its per-person-month is set next
to 002's 5,400 yuan.
"""
