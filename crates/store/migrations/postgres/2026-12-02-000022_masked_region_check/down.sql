-- The hidden characters cannot be put back from the masked form; the old form would have
-- to be rebuilt from the ciphertext by the program.
SELECT 1;
