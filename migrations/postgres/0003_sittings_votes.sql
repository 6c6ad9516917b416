-- Sittings, attendance, proxies, the speaking queue, vote rounds and ballots (issue #4).
-- Ballot integrity lives in the schema: one participation per voter and round (primary
-- key), one ballot per receipt (primary key), and an append-only, hash-chained log.

create table sittings (
    id bigint generated always as identity primary key,
    assembly_id bigint not null references assemblies (id) on delete cascade,
    title text not null check (char_length(title) between 3 and 120),
    starts_at bigint not null,
    ends_at bigint not null,
    place text not null default '',
    online_url text not null default '',
    status text not null default 'planned' check (status in ('planned', 'live', 'closed')),
    current_objective_id bigint references objectives (id),
    created_by bigint not null references users (id),
    created_at bigint not null,
    started_at bigint,
    ended_at bigint,
    check (ends_at > starts_at)
);
create index sittings_assembly on sittings (assembly_id, starts_at);

create table agenda_items (
    id bigint generated always as identity primary key,
    sitting_id bigint not null references sittings (id) on delete cascade,
    objective_id bigint not null references objectives (id),
    position bigint not null,
    created_at bigint not null,
    constraint agenda_objective_unique unique (sitting_id, objective_id)
);

create table attendance (
    sitting_id bigint not null references sittings (id) on delete cascade,
    user_id bigint not null references users (id),
    mode text not null check (mode in ('room', 'online')),
    created_at bigint not null,
    constraint attendance_unique primary key (sitting_id, user_id)
);

-- One proxy per giver and one per holder for a sitting.
create table proxies (
    sitting_id bigint not null references sittings (id) on delete cascade,
    giver_id bigint not null references users (id),
    holder_id bigint not null references users (id),
    created_at bigint not null,
    constraint proxy_giver_unique primary key (sitting_id, giver_id),
    constraint proxy_holder_unique unique (sitting_id, holder_id),
    check (giver_id <> holder_id)
);

create table speaking_turns (
    id bigint generated always as identity primary key,
    sitting_id bigint not null references sittings (id) on delete cascade,
    user_id bigint not null references users (id),
    created_at bigint not null,
    started_at bigint,
    ended_at bigint,
    cancelled_at bigint
);
-- One open hand per member; one speaker at a time.
create unique index speaking_one_open on speaking_turns (sitting_id, user_id)
    where ended_at is null and cancelled_at is null;
create unique index speaking_one_speaker on speaking_turns (sitting_id)
    where started_at is not null and ended_at is null and cancelled_at is null;

create table vote_rounds (
    id bigint generated always as identity primary key,
    assembly_id bigint not null references assemblies (id) on delete cascade,
    sitting_id bigint not null references sittings (id),
    method text not null check (method in ('yes_no', 'majority_judgment', 'approval')),
    secret bigint not null check (secret in (0, 1)),
    rules text not null,
    status text not null default 'open' check (status in ('open', 'closed')),
    members_count bigint not null,
    present_count bigint not null,
    ballots_count bigint not null default 0,
    log_length bigint not null default 0,
    head_hash text not null,
    opened_by bigint not null references users (id),
    created_at bigint not null,
    closes_at bigint,
    closed_at bigint,
    closed_by bigint references users (id),
    result text
);
create index vote_rounds_sitting on vote_rounds (sitting_id, created_at);

create table round_objectives (
    round_id bigint not null references vote_rounds (id) on delete cascade,
    objective_id bigint not null references objectives (id),
    position bigint not null,
    previous_status text not null,
    constraint round_objective_unique primary key (round_id, objective_id)
);

-- Who voted, and for whom a proxy voted. Deliberately no timestamp: in a secret round a
-- time would link a voter to the ballot logged at that moment. `receipt_check` is a hash
-- of the receipt code under another prefix than the ballot's, so only the code's holder
-- can connect the two rows.
create table participations (
    round_id bigint not null references vote_rounds (id) on delete cascade,
    voter_id bigint not null references users (id),
    cast_by bigint not null references users (id),
    receipt_check text not null,
    constraint participation_unique primary key (round_id, voter_id)
);

-- What was voted. `voter_id` is filled in public rounds only. Keyed by the receipt hash
-- (random), so the key says nothing about voting order.
create table ballots (
    round_id bigint not null references vote_rounds (id) on delete cascade,
    receipt_hash text not null,
    voter_id bigint references users (id),
    content text not null,
    constraint ballot_unique primary key (round_id, receipt_hash)
);

-- Append-only: every round event and every ballot, each entry's hash covering the
-- previous one. In secret rounds ballot entries carry no time.
create table round_log (
    round_id bigint not null references vote_rounds (id) on delete cascade,
    seq bigint not null,
    kind text not null check (kind in ('open', 'ballot', 'close')),
    payload text not null,
    prev_hash text not null,
    hash text not null,
    constraint round_log_unique primary key (round_id, seq)
);

-- The log is append-only in the schema too: an entry can be neither changed nor removed.
create function round_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'round_log is append-only';
end
$$;
create trigger round_log_append_only before update or delete on round_log
    for each row execute function round_log_append_only();
