DROP INDEX floating_by_member;
