-- PostgreSQL only (the histogram of party_orgs.path); SQLite keeps no such statistics.
SELECT 1;
