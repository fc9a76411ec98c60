DROP TABLE fund_budgets;
DROP TABLE fund_lines;
DELETE FROM id_alloc WHERE name = 'fund_lines';
