-- Partnership programs II: internships (magang) universities send to a library, and
-- training, workshops and meetings for librarians held by a library or a forum.
create table internships (
  id bigserial primary key,
  network_id bigint not null references networks (id),
  host_library_id bigint not null references libraries (id),
  institution_name text not null,
  -- the sending university's library when it is in the network
  institution_library_id bigint references libraries (id),
  supervisor text not null,
  starts_on date not null,
  ends_on date not null,
  -- [{ "name": ..., "studentNumber": ..., "programme": ... }]
  students jsonb not null default '[]'::jsonb,
  evaluation text,
  score integer check (score between 0 and 100),
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  check (ends_on >= starts_on)
);
create index internships_host on internships (host_library_id, starts_on);
create index internships_institution on internships (institution_library_id);

create table trainings (
  id bigserial primary key,
  network_id bigint not null references networks (id),
  kind text not null check (kind in ('training', 'workshop', 'meeting')),
  title text not null,
  -- the library that holds it, or (for a forum) the library that manages the record
  organiser_library_id bigint not null references libraries (id),
  organiser_name text,
  place text,
  starts_on date not null,
  ends_on date not null,
  hours integer check (hours between 0 and 1000),
  description text,
  created_by bigint references staff_users (id),
  created_at timestamptz not null default now(),
  check (ends_on >= starts_on)
);
create index trainings_network on trainings (network_id, starts_on);

create table training_participants (
  id bigserial primary key,
  training_id bigint not null references trainings (id) on delete cascade,
  library_id bigint references libraries (id),
  institution_name text,
  name text not null,
  position text,
  attended boolean not null default true,
  certificate_number text unique,
  certificate_issued_on date,
  check (library_id is not null or institution_name is not null)
);
create index training_participants_training on training_participants (training_id);
create index training_participants_library on training_participants (library_id);
