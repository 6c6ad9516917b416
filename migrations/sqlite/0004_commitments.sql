-- Commitments (issue #5): what the assembly adopted, as the town hall's public promises,
-- with their status history, milestones, indicators and measurements, progress updates,
-- and in-app notifications for the members who proposed or supported the objective.
-- "Late" is not stored: it is the status a commitment shows once its target date has
-- passed and it is neither done nor abandoned, until a new date is set.

create table commitments (
    id integer primary key,
    assembly_id integer not null references assemblies (id) on delete cascade,
    objective_id integer not null references objectives (id),
    round_id integer references vote_rounds (id),
    service text not null check (length(service) between 2 and 120),
    contact_role text not null check (length(contact_role) between 2 and 120),
    summary_md text not null,
    summary_html text not null,
    target_date text not null,
    status text not null default 'planned' check (status in ('planned', 'in_progress', 'done', 'abandoned')),
    status_reason text not null default '',
    progress_override integer check (progress_override between 0 and 100),
    progress_reason text not null default '',
    created_by integer not null references users (id),
    created_at integer not null,
    updated_at integer not null,
    constraint commitment_objective_unique unique (objective_id)
);
create index commitments_assembly on commitments (assembly_id, status);

-- Every change of status, target date or declared progress, dated, with its reason.
create table commitment_changes (
    id integer primary key,
    commitment_id integer not null references commitments (id) on delete cascade,
    kind text not null check (kind in ('created', 'status', 'target_date', 'progress')),
    old_value text not null default '',
    new_value text not null,
    reason text not null default '',
    author_id integer not null references users (id),
    created_at integer not null
);
create index commitment_changes_commitment on commitment_changes (commitment_id, created_at);

create table milestones (
    id integer primary key,
    commitment_id integer not null references commitments (id) on delete cascade,
    title text not null check (length(title) between 2 and 200),
    due_date text not null,
    done_on text,
    created_at integer not null
);
create index milestones_commitment on milestones (commitment_id, due_date);

create table indicators (
    id integer primary key,
    commitment_id integer not null references commitments (id) on delete cascade,
    name text not null check (length(name) between 2 and 200),
    unit text not null check (length(unit) between 1 and 40),
    baseline real not null,
    target real not null,
    direction text not null check (direction in ('higher', 'lower')),
    created_at integer not null
);

create table measurements (
    id integer primary key,
    indicator_id integer not null references indicators (id) on delete cascade,
    measured_on text not null,
    value real not null,
    source text not null check (length(source) between 2 and 200),
    author_id integer not null references users (id),
    created_at integer not null,
    constraint measurement_unique unique (indicator_id, measured_on)
);

create table progress_updates (
    id integer primary key,
    commitment_id integer not null references commitments (id) on delete cascade,
    body_md text not null,
    body_html text not null,
    author_id integer not null references users (id),
    created_at integer not null
);
create index progress_updates_commitment on progress_updates (commitment_id, created_at);

create table notifications (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    commitment_id integer not null references commitments (id) on delete cascade,
    kind text not null check (kind in ('created', 'status', 'update', 'target_date')),
    detail text not null default '',
    created_at integer not null,
    read_at integer
);
create index notifications_user on notifications (user_id, read_at, created_at);
