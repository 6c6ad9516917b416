-- Sittings, attendance, proxies, the speaking queue, vote rounds and ballots (issue #4).
-- Ballot integrity lives in the schema: one participation per voter and round (primary
-- key), one ballot per receipt (primary key), and an append-only, hash-chained log.

create table sittings (
    id integer primary key,
    assembly_id integer not null references assemblies (id) on delete cascade,
    title text not null check (length(title) between 3 and 120),
    starts_at integer not null,
    ends_at integer not null,
    place text not null default '',
    online_url text not null default '',
    status text not null default 'planned' check (status in ('planned', 'live', 'closed')),
    current_objective_id integer references objectives (id),
    created_by integer not null references users (id),
    created_at integer not null,
    started_at integer,
    ended_at integer,
    check (ends_at > starts_at)
);
create index sittings_assembly on sittings (assembly_id, starts_at);

create table agenda_items (
    id integer primary key,
    sitting_id integer not null references sittings (id) on delete cascade,
    objective_id integer not null references objectives (id),
    position integer not null,
    created_at integer not null,
    constraint agenda_objective_unique unique (sitting_id, objective_id)
);

create table attendance (
    sitting_id integer not null references sittings (id) on delete cascade,
    user_id integer not null references users (id),
    mode text not null check (mode in ('room', 'online')),
    created_at integer not null,
    constraint attendance_unique primary key (sitting_id, user_id)
);

-- One proxy per giver and one per holder for a sitting.
create table proxies (
    sitting_id integer not null references sittings (id) on delete cascade,
    giver_id integer not null references users (id),
    holder_id integer not null references users (id),
    created_at integer not null,
    constraint proxy_giver_unique primary key (sitting_id, giver_id),
    constraint proxy_holder_unique unique (sitting_id, holder_id),
    check (giver_id <> holder_id)
);

create table speaking_turns (
    id integer primary key,
    sitting_id integer not null references sittings (id) on delete cascade,
    user_id integer not null references users (id),
    created_at integer not null,
    started_at integer,
    ended_at integer,
    cancelled_at integer
);
-- One open hand per member; one speaker at a time.
create unique index speaking_one_open on speaking_turns (sitting_id, user_id)
    where ended_at is null and cancelled_at is null;
create unique index speaking_one_speaker on speaking_turns (sitting_id)
    where started_at is not null and ended_at is null and cancelled_at is null;

create table vote_rounds (
    id integer primary key,
    assembly_id integer not null references assemblies (id) on delete cascade,
    sitting_id integer not null references sittings (id),
    method text not null check (method in ('yes_no', 'majority_judgment', 'approval')),
    secret integer not null check (secret in (0, 1)),
    rules text not null,
    status text not null default 'open' check (status in ('open', 'closed')),
    members_count integer not null,
    present_count integer not null,
    ballots_count integer not null default 0,
    log_length integer not null default 0,
    head_hash text not null,
    opened_by integer not null references users (id),
    created_at integer not null,
    closes_at integer,
    closed_at integer,
    closed_by integer references users (id),
    result text
);
create index vote_rounds_sitting on vote_rounds (sitting_id, created_at);

create table round_objectives (
    round_id integer not null references vote_rounds (id) on delete cascade,
    objective_id integer not null references objectives (id),
    position integer not null,
    previous_status text not null,
    constraint round_objective_unique primary key (round_id, objective_id)
);

-- Who voted, and for whom a proxy voted. Deliberately no timestamp, and stored without
-- rowid (in key order, not arrival order): in a secret round a time or an arrival order
-- would link a voter to the ballot logged at that moment. `receipt_check` is a hash
-- of the receipt code under another prefix than the ballot's, so only the code's holder
-- can connect the two rows.
create table participations (
    round_id integer not null references vote_rounds (id) on delete cascade,
    voter_id integer not null references users (id),
    cast_by integer not null references users (id),
    receipt_check text not null,
    constraint participation_unique primary key (round_id, voter_id)
) without rowid;

-- What was voted. `voter_id` is filled in public rounds only. Keyed by the receipt hash
-- (random) and stored without rowid, so row order says nothing about voting order.
create table ballots (
    round_id integer not null references vote_rounds (id) on delete cascade,
    receipt_hash text not null,
    voter_id integer references users (id),
    content text not null,
    constraint ballot_unique primary key (round_id, receipt_hash)
) without rowid;

-- Append-only: every round event and every ballot, each entry's hash covering the
-- previous one. In secret rounds ballot entries carry no time.
create table round_log (
    round_id integer not null references vote_rounds (id) on delete cascade,
    seq integer not null,
    kind text not null check (kind in ('open', 'ballot', 'close')),
    payload text not null,
    prev_hash text not null,
    hash text not null,
    constraint round_log_unique primary key (round_id, seq)
);

-- The log is append-only in the schema too: an entry can be neither changed nor removed.
create trigger round_log_no_update before update on round_log
begin
    select raise(abort, 'round_log is append-only');
end;
create trigger round_log_no_delete before delete on round_log
begin
    select raise(abort, 'round_log is append-only');
end;
