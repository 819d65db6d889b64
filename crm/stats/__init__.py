"""Stats: dated account snapshots and the portfolio videos pitches cite."""
