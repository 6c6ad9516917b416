//! Voting (issue #4). For now only its core: the tallies, pure functions of the ballots
//! that a round's result and every recount are computed with. Rounds, ballots, receipts
//! and the hash-chained log come with the rest of issue #4.
pub mod tally;
