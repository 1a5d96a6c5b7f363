-- How many open interlibrary loan requests a patron of this library may have at once when
-- she asks herself in the portal (src/ill/patron-ask.ts). Staff asking on her behalf are not
-- held to it: the desk may judge otherwise.
alter table ill_policies add column patron_open_limit integer not null default 5
  check (patron_open_limit between 1 and 100);
