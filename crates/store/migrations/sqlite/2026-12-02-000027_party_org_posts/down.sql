DELETE FROM id_alloc WHERE name = 'party_org_posts';
DROP TABLE secretary_handovers;
DROP TABLE party_org_posts;
