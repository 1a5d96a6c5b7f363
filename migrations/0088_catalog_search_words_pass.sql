-- The "did you mean" words (search_words) a reindex pass has seen in the clusters it rebuilt. search_words
-- is otherwise only added to, so after a change of the search fold it kept the words the old fold made
-- ("bah" of "Ka’bah", split at its apostrophe by version 1). When the pass is through, the words it did not
-- see and that no cluster's search document holds any more are removed, and this table is emptied
-- (src/catalog/reindex.ts). Only the reindex writes it, inside its own steps' transactions.
create table search_words_pass (word text primary key);
