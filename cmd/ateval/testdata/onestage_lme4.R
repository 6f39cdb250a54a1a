# Fits the one-stage model with lme4 to data that have exactly the
# cross-products of the cells a hub holds, and prints what
# TestModelAgainstLme4 compares with `ateval model`.
#
# Rscript onestage_lme4.R CELLS.csv THETA
#
# CELLS.csv: borough, arm, n, sb, sf, sbb, sff, sbf per borough and arm
# (the sums of a bundle's cells). The REML likelihood of
# f ~ b + g + (1 + g | borough) depends on the data only through each
# borough's and arm's n, sums, sums of squares and cross-products, so
# each cell is rebuilt as n points with exactly its means and scatter
# matrix: two orthonormal columns orthogonal to 1, mapped by the Cholesky
# factor of the scatter. THETA is ateval's optimum as lme4's theta,
# comma-separated.
#
# Prints, one per line: lme4's REML log-likelihood at THETA; lme4's own
# fit from its default start (logLik, isSingular); and lme4's fit started
# at THETA: its logLik, then estimate and SE of each fixed effect.
suppressMessages(library(lme4))
args <- commandArgs(TRUE)
cells <- read.csv(args[1], colClasses = c(borough = "character", arm = "character"))
rows <- list()
for (i in seq_len(nrow(cells))) {
  c <- cells[i, ]
  n <- c$n
  mb <- c$sb / n
  mf <- c$sf / n
  S <- matrix(c(c$sbb - n * mb^2, c$sbf - n * mb * mf, c$sbf - n * mb * mf, c$sff - n * mf^2), 2)
  q <- qr.Q(qr(cbind(1, seq_len(n), seq_len(n)^2)))[, 2:3]
  xy <- q %*% chol(S)
  rows[[i]] <- data.frame(borough = c$borough, g = as.numeric(c$arm == "intervention"), b = mb + xy[, 1], f = mf + xy[, 2])
}
d <- do.call(rbind, rows)
th <- as.numeric(strsplit(args[2], ",")[[1]])
ctl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 0.2, rhoend = 1e-10))
dd <- lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, devFunOnly = TRUE)
cat(sprintf("%.12f\n", -dd(th) / 2))
m0 <- suppressMessages(lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, control = ctl))
cat(sprintf("%.12f %d\n", as.numeric(logLik(m0)), as.integer(isSingular(m0))))
m <- suppressMessages(lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, start = list(theta = th), control = ctl))
cat(sprintf("%.12f\n", as.numeric(logLik(m))))
s <- summary(m)$coefficients
cat(sprintf("%.12f %.12f\n", s[, 1], s[, 2]), sep = "")
