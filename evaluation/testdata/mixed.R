# Reference values for TestMixedModel (evaluation/mixed_test.go): resident-level
# data simulated here, fitted by lme4 (Debian r-cran-lme4 1.1.31, R 4.x),
#   lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE)
# and printed as Go literals: the per-borough, per-group sums the model is
# fitted from in Go, and lme4's estimates. Run: Rscript mixed.R
suppressMessages(library(lme4))
gen <- function(seed, k, nmin, nmax, tau0, tau1, rho, sigma, int = 2, slope = 0.6, delta = 1.5) {
  set.seed(seed)
  rows <- list()
  for (i in seq_len(k)) {
    n <- sample(nmin:nmax, 1)
    u0 <- rnorm(1, 0, tau0)
    u1 <- rho * u0 / tau0 * tau1 + sqrt(1 - rho^2) * rnorm(1, 0, tau1)
    g <- rbinom(n, 1, 0.5)
    if (all(g == 0)) g[1] <- 1
    if (all(g == 1)) g[1] <- 0
    b <- round(rnorm(n, 22, 5))
    f <- round(int + slope * b + (delta + u1) * g + u0 + rnorm(n, 0, sigma))
    rows[[i]] <- data.frame(borough = sprintf("b%02d", i), b = b, f = f, g = g)
  }
  do.call(rbind, rows)
}
emit <- function(name, d, ctrl = lmerControl()) {
  m <- lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, control = ctrl)
  cat(sprintf("{name: \"%s\",\n", name))
  cat("sums: []boroughSums{\n")
  for (br in sort(unique(d$borough))) {
    for (gg in 0:1) {
      s <- d[d$borough == br & d$g == gg, ]
      cat(sprintf("{\"%s\", %d, %d, %.17g, %.17g, %.17g, %.17g, %.17g},\n", br, gg, nrow(s),
        sum(s$b), sum(s$f), sum(s$b^2), sum(s$f^2), sum(s$b * s$f)))
    }
  }
  cat("},\n")
  vc <- as.data.frame(VarCorr(m))
  cat(sprintf("reml: %.17g, singular: %s,\n", as.numeric(logLik(m)), tolower(isSingular(m))))
  cat(sprintf("beta: []float64{%s},\n", paste(sprintf("%.17g", fixef(m)), collapse = ", ")))
  cat(sprintf("se: []float64{%s},\n", paste(sprintf("%.17g", sqrt(diag(as.matrix(vcov(m))))), collapse = ", ")))
  cat(sprintf("theta: []float64{%s},\n", paste(sprintf("%.17g", getME(m, "theta")), collapse = ", ")))
  cat(sprintf("tau: []float64{%.17g, %.17g}, rho: %.17g, sigma: %.17g},\n", vc$sdcor[1], vc$sdcor[2], vc$sdcor[3], sigma(m)))
}
tight <- lmerControl(optimizer = "nloptwrap", optCtrl = list(xtol_abs = 1e-12, ftol_abs = 1e-14, xtol_rel = 1e-12, ftol_rel = 1e-15, maxeval = 1e5))
emit("sixteen boroughs, varying effects", gen(19, 16, 20, 60, 1.5, 1.0, 0.3, 3), tight)
emit("eight boroughs, negative correlation", gen(7, 8, 15, 40, 2.0, 1.5, -0.6, 2.5), tight)
emit("singular: no variation between boroughs", gen(3, 6, 10, 25, 0.01, 0.01, 0, 3))
emit("singular: five small boroughs", gen(11, 5, 8, 15, 0.05, 0.5, 0.9, 4))
# The last case: lme4 stops at theta = (0, -0.2686, 0.1219); ateval's search
# finds (0.0446099678, 0.2589707071, 0) on the other boundary. lme4's own
# REML deviance function there gives a higher log-likelihood, -119.08215770:
d <- gen(11, 5, 8, 15, 0.05, 0.5, 0.9, 4)
dev <- lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, devFunOnly = TRUE)
cat(sprintf("# lme4 devfun at ateval's theta: logLik %.17g\n", -dev(c(0.044609967829556826, 0.25897070713495179, 0)) / 2))
# and lme4 itself reaches it when started there:
m <- lmer(f ~ b + g + (1 + g | borough), data = d, REML = TRUE, start = list(theta = c(0.05, 0.25, 0.01)))
cat(sprintf("# lme4 started near it: logLik %.17g theta %s\n", as.numeric(logLik(m)), paste(sprintf("%.10g", getME(m, "theta")), collapse = " ")))
cat(sprintf("# beta: %s\n# se: %s\n", paste(sprintf("%.17g", fixef(m)), collapse = ", "), paste(sprintf("%.17g", sqrt(diag(as.matrix(vcov(m))))), collapse = ", ")))
